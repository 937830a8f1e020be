"""Marshmallow schemas: query arguments beside the response shapes, one module per resource."""
