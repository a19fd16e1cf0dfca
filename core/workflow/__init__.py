"""One workflow mechanism (ADR 0031): declared as data (``definition``), taken through one
service (``service.transition``), one view (``views.TransitionView``) and one panel
(``{% workflow_panel obj %}``)."""
