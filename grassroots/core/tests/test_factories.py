"""Every model of every app has a factory, `<Model>Factory` in `<app>/tests/factories.py`,
that saves a valid row when called with no arguments."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

MODELS = [get_user_model()] + [
    model
    for model in apps.get_models()
    if model.__module__.startswith("grassroots.")
    and not model._meta.model_name.startswith("historical")
]


def factory_of(model):
    app = (
        "grassroots.core"
        if model is get_user_model()
        else apps.get_app_config(model._meta.app_label).name
    )
    return getattr(importlib.import_module(f"{app}.tests.factories"), f"{model.__name__}Factory")


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_the_factory_saves_a_valid_row(db, model):
    instance = factory_of(model)()
    instance.full_clean()
    assert model.objects.filter(pk=instance.pk).exists()
