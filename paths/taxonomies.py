"""The initial goal areas and service types (kept as data: the Region edits them in the database)."""

GOAL_AREAS = [
    ("italian_language", "Lingua italiana", "Italian language"),
    ("work", "Lavoro", "Work"),
    ("training", "Formazione", "Training"),
    ("qualification_recognition", "Riconoscimento dei titoli", "Recognition of qualifications"),
    ("housing", "Casa", "Housing"),
    ("school_inclusion", "Inclusione scolastica", "School inclusion"),
    ("documents", "Documenti e permesso di soggiorno", "Documents and residence permit"),
    ("health", "Accesso alla salute", "Health access"),
    ("family_reunification", "Ricongiungimento familiare", "Family reunification"),
    ("long_term_permit", "Permesso di soggiorno UE di lungo periodo", "EU long-term residence permit"),
    ("civic_life", "Vita sociale e civica", "Social and civic life"),
]

# (code, Italian, English, indicator, default action)
SERVICE_TYPES = [
    (
        "professional_guidance",
        "Orientamento professionale individuale",
        "Personal professional guidance",
        "O.2.3.3",
        "02",
    ),
    ("civic_orientation", "Orientamento civico", "Civic orientation", "O.2.3.2", "02"),
    ("legal_advice", "Consulenza legale", "Legal advice", "O.2.3", "02"),
    (
        "family_reunification",
        "Informazione e assistenza per il ricongiungimento familiare",
        "Information and assistance for family reunification",
        "O.2.5",
        "02",
    ),
    (
        "qualification_recognition",
        "Assistenza alla domanda di riconoscimento dei titoli",
        "Assistance to apply for recognition of qualifications",
        "R.2.10",
        "02",
    ),
    (
        "long_term_permit",
        "Assistenza alla domanda di permesso UE di lungo periodo",
        "Assistance to apply for the EU long-term permit",
        "R.2.11",
        "02",
    ),
    ("housing_support", "Supporto all'abitare", "Housing support", "O.2.3", "02"),
    ("school_inclusion", "Supporto all'inclusione scolastica", "School-inclusion support", "O.2.3", "02"),
    ("psychological_support", "Supporto psicologico", "Psychological support", "O.2.3", "02"),
    ("job_placement", "Accompagnamento al lavoro", "Job placement support", "O.2.3", "02"),
    (
        "health_access",
        "Accompagnamento ai servizi sanitari",
        "Support to access health services",
        "O.2.3",
        "02",
    ),
    ("information_desk", "Sportello informativo", "Information desk", "O.2.3", "03"),
    ("cultural_mediation", "Mediazione linguistico-culturale", "Cultural mediation", "P1.7", "01"),
]
