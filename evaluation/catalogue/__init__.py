"""The versioned OCOP criteria catalogue: data (YAML), schema, loading and validation."""
