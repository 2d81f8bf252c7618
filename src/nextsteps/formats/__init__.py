"""Display formats for the product's languages (Django's FORMAT_MODULE_PATH)."""
