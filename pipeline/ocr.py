"""Stage 2: read pages into OcrPage (OWNED BY: ocr/ingest helper).

Contract:

    class OcrEngine(Protocol):
        name: str; version: str; models: dict[str, str]
        def recognize(self, image: np.ndarray) -> list[OcrLine]: ...

    get_engine(settings=None) -> OcrEngine     # PaddleOCR (onnxruntime), created once per process
    read_file(ingested: IngestedFile, engine: OcrEngine | None = None) -> list[OcrPage]
        # text layer / OFD pages without OCR; raster pages preprocessed
        # (orientation, deskew, contrast) then OCRed; cached by content hash + model version;
        # quality metrics, red-seal and QR cues filled in.
    engine_info(engine) -> EngineInfo
"""
