"""Field and cross-document checks (OWNED BY: extractors helper).

Contract:

    validators.validate(documents: list[Document], pages: list[OcrPage], application: Application,
                        records: list[Record], context: ValidationContext | None = None) -> list[Finding]
        # every named check runs; all failures are collected (一次性告知).
    validators.idnumber.check_id_number(value: str) -> CheckResult   # GB 11643
"""
