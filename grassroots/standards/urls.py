from django.urls import path

from . import views

urlpatterns = [
    path("standards/", views.set_list, name="standard-list"),
    path("standards/<slug:code>/", views.set_detail, name="standard-detail"),
    path("standards/<slug:code>/versions/", views.set_versions, name="standard-versions"),
    path("standards/<slug:code>/v<int:version>/", views.set_version, name="standard-version"),
    path("standards/<slug:code>/v<int:version>/copy/", views.set_copy, name="standard-copy"),
    path(
        "standards/<slug:code>/v<int:version>/new-version/",
        views.set_new_version,
        name="standard-new-version",
    ),
    path("standards/<slug:code>/v<int:version>/edit/", views.set_edit, name="standard-edit"),
    path(
        "standards/<slug:code>/v<int:version>/publish/",
        views.set_publish,
        name="standard-publish",
    ),
    path(
        "standards/<slug:code>/v<int:version>/discard/",
        views.set_discard,
        name="standard-discard",
    ),
    path(
        "standards/<slug:code>/v<int:version>/dimensions/new/",
        views.dimension_add,
        name="standard-dimension-add",
    ),
    path(
        "standard-dimensions/<int:pk>/edit/",
        views.dimension_edit,
        name="standard-dimension-edit",
    ),
    path(
        "standard-dimensions/<int:pk>/remove/",
        views.dimension_remove,
        name="standard-dimension-remove",
    ),
    path("standard-dimensions/<int:pk>/items/new/", views.item_add, name="standard-item-add"),
    path("standard-items/<int:pk>/edit/", views.item_edit, name="standard-item-edit"),
    path("standard-items/<int:pk>/remove/", views.item_remove, name="standard-item-remove"),
]
