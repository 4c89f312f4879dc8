"""The CI bot: failing tests in a repository -> a verified patch and a pull-request comment."""
