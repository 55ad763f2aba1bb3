"""Workspace pages of monitoring (namespace `monitoring`): dashboards, drill-down, definitions, targets,
exports. Views live in `views.py` (dashboards, drill-down, definitions, targets) and `views_exports.py`."""

from monitoring import views, views_exports

app_name = "monitoring"

urlpatterns = [*views.urlpatterns, *views_exports.urlpatterns]
