"""Serializers of the campaigns' API, by part (see services)."""
