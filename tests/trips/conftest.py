import csv

import pytest

from tests.support.trip_files import CITIBIKE, GRAHAM, JC_DECEMBER, NYC_DAYS, on_snowflake, real_rows


@pytest.fixture
def citibike():
    if not JC_DECEMBER.is_file() or not NYC_DAYS.is_file():
        pytest.skip(f"the shared Citi Bike files are not in {CITIBIKE} (see its PROVENANCE.md)")
    return CITIBIKE


@pytest.fixture
def nyc_sample(citibike, tmp_path):
    """On Snowflake (fakesnow takes minutes for 218k rows): the real file's header, its first
    3,000 rows and every row from Graham Ave & Conselyea St, unmodified. Elsewhere the file."""
    if not on_snowflake():
        return NYC_DAYS
    rows = real_rows(NYC_DAYS)
    target = tmp_path / "201706-sample.csv"
    with open(target, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        writer.writerow(next(rows))
        for n, row in enumerate(rows):
            if n < 3000 or row[4] == GRAHAM:
                writer.writerow(row)
    return target


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Tests rebuild the data between requests faster than the cache's one-second check."""
    from trips import pagecache

    settings.TRIPS_PAGE_CACHE_SECONDS = 0
    pagecache.clear()
    yield
    pagecache.clear()
