"""What several apps share, with no models and no knowledge of the project package `config`."""
