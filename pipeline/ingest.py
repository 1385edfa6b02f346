"""Stage 1: load an uploaded file into pages (OWNED BY: ocr/ingest helper).

Contract for the rest of the pipeline:

    sniff_format(data: bytes) -> str            # "jpeg"|"png"|"tiff"|"bmp"|"webp"|"pdf"|"ofd"; raises UnsupportedFile
    load_file(path: Path, settings: Settings | None = None) -> IngestedFile

IngestedFile carries the raw bytes' sha256 and a list of SourcePage: either a
raster image (numpy BGR array, EXIF orientation applied) or a text-layer page
(words with pixel boxes at RENDER_DPI) — plus a lazily rendered raster for
visual cues. Limits raise LimitExceeded; unreadable files raise FileRejected.
"""
