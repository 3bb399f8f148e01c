"""Ingest: validate, normalize, de-duplicate, quarantine and load files, all-or-nothing per file.

    from shopradar.ingest import ingest, list_profiles, quarantine_rows
    results = ingest(wh, ["exports/"], market="US")
"""

from shopradar.ingest.api import FileResult, ProfileInfo, expand_paths, ingest, list_profiles, quarantine_rows

__all__ = ["FileResult", "ProfileInfo", "expand_paths", "ingest", "list_profiles", "quarantine_rows"]
