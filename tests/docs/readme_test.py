"""Checks that README.md shows the client examples of examples/clients and of
clients/node/examples verbatim, so that the code a reader copies is the code the
example_client_* and client_node tests run."""
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
readme = (root / "README.md").read_text(encoding="utf-8")
missing = []
for folder in ("examples/clients", "clients/node/examples"):
    for example in sorted((root / folder).iterdir()):
        if example.read_text(encoding="utf-8") not in readme:
            missing.append(str(example.relative_to(root)))
if missing:
    sys.exit("README.md does not show these files verbatim: " + ", ".join(missing))
print("README.md shows every client example verbatim")
