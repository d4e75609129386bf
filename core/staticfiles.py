"""Single files from npm packages served as static files, without collecting the package's whole
dist folder (ECharts' is 50 MB of variants and source maps)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class VendorFileFinder(BaseFinder):
    """Finds the files of settings.VENDOR_FILES ({static path: file on disk})."""

    def __init__(self, *args, **kwargs):
        self.files = {path: Path(file) for path, file in settings.VENDOR_FILES.items()}
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        return [
            Error(f"{file} is missing: run `make install`.", id="core.E010")
            for file in self.files.values()
            if not file.exists()
        ]

    def find(self, path, find_all=False, **kwargs):
        file = self.files.get(path)
        found = str(file) if file is not None and file.exists() else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns):
        for path, file in self.files.items():
            storage = FileSystemStorage(location=file.parent)
            storage.prefix = str(Path(path).parent)
            yield file.name, storage
