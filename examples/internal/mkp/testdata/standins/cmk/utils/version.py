"""Stand-in for cmk.utils.version (Checkmk 2.3 and older)."""
import os

__version__ = os.environ.get("STANDIN_CMK_VERSION", "")
