"""Serving Spotlight to a whole school: N Streamlit replicas behind nginx (see deploy/README.md)."""
