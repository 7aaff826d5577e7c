import os
import sys
from pathlib import Path

# nbgrader shells out to `alembic`: put this interpreter's bin first on PATH.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
sys.path.insert(0, str(Path(__file__).parent))  # tests import nbcourse
