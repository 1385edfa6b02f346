"""One module per document type; each declares its anchors and fields (OWNED BY: extractors helper).

Contract:

    extractors.registry.SPECS: dict[str, DocumentSpec]   # filled by @register in each module
    extractors.extract_document(file: str, pages: list[OcrPage], classification: Classification) -> Document
"""
