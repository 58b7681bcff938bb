"""RQ jobs: thin functions that take ids, open the app context and call services."""
