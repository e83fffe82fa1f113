"""Domain rules in plain Python: EU SME definition, identifiers, classifications.

Nothing here imports Django; the apps call these functions and store their results.
"""
