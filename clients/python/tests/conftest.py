# The plugin's tests (tests/plugin) run pytest sessions of their own with pytester, in
# subprocesses. (The unittest suites of tests/unit need nothing from here.)
pytest_plugins = ["pytester"]
