"""The service catalogue as data, and its evaluator (OWNED BY: rules helper).

Contract used by pipeline.verify:

    rules.catalogue.load_catalogue(root: Path | None = None) -> Catalogue
        Catalogue.version: str                     # content hash of the rules files
        Catalogue.resolve(service: str, *, jurisdiction: str, office: str,
                          on_date: date) -> Resolution
            Resolution.service: Service | None     # the service to judge under
            Resolution.redirect: Redirect | None   # when out of scope / not in catalogue
            Resolution.reason: str | None          # Chinese, why out of scope
            raises AmbiguousService (lists candidates) for an ambiguous bare name
        Service.ref() -> ServiceRef
    rules.evaluator.evaluate(service: Service, documents: list[Document],
                             application: Application, records: list[Record],
                             catalogue: Catalogue) -> RuleEvaluation
        RuleEvaluation.materials: list[MaterialResult]
        RuleEvaluation.findings: list[Finding]      # missing_material, condition_not_met,
                                                    # unknown_fact, material_waived, wrong_service ...
        RuleEvaluation.assumptions: list[str]       # facts defaulted, Chinese
        RuleEvaluation.clerk_checks: list[str]      # conditions no document can show, Chinese

Also (rules helper):
    rules.catalogue.Catalogue.view(jurisdiction, on_date) -> list[Service]   # in force, city layer applied
    rules.catalogue.Catalogue.all_entries(on_date) / get(code, jurisdiction, on_date) / match(query, view)
    rules.evaluator.RuleEvaluation.facts / .wrong_service                      # resolved facts; routing
    rules.synth                 # synthetic documents satisfying a service (generated tests)
    rules.cli.register(app)     # `intake services [--json]`, `services show`, `rules diff`, `rules check`
    python -m rules.coverage    # writes docs/coverage.md
Authoring guide: rules/README.md.
"""
