"""Stage 3: split files into documents and classify them (OWNED BY: extractors helper).

Contract:

    classify_page(page: OcrPage) -> Classification
    split_and_classify(pages: list[OcrPage]) -> list[tuple[list[OcrPage], Classification]]
        # consecutive pages of one file grouped into documents; a multi-document
        # PDF yields several groups.
"""
