"""Statistics for cluster evaluation: plain Python over numpy, scipy and polars.

Nothing in this package imports Django. The Django apps hand data frames to the
functions here through one adapter per analysis and store what comes back.
"""
