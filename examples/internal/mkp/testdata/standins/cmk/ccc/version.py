"""Stand-in for cmk.ccc.version (Checkmk 2.4 and later)."""
import os

__version__ = os.environ.get("STANDIN_CMK_VERSION", "")
