"""gongkai 公开 — village and community affairs disclosure kept as YAML, checked, rendered and reminded."""

__version__ = "0.1.0"
