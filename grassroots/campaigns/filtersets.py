"""One FilterSet per list of the campaigns, serving the page and the API alike."""
