"""pytest plugin: `--emulated-cassandra` runs parties on an emulated Cassandra (mockylla).

Owned by the parties work; see tests/parties.
"""


def pytest_addoption(parser):
    parser.addoption(
        "--emulated-cassandra", action="store_true",
        help="Point PARTIES_DATABASE_URL at a mockylla-emulated Cassandra for this run.",
    )
