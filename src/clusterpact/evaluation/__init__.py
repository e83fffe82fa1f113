"""Evaluations inside the product: confidential firm panels, background runs, result pages."""
