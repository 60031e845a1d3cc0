"""The forms of the campaign pages, by part."""
