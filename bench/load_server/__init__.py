"""The settings and URLs `bench/load.py` starts gunicorn with: the production settings unchanged,
plus one bare view (`/bench/bare/`) on the same server, the floor the mix is measured against."""
