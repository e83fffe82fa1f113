"""The registry's REST API: the same data and the same permissions as the registry pages."""
