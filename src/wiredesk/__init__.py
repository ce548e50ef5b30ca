"""wiredesk: news reports about violent and political events in, one sourced event record out."""

__version__ = "0.1.0"
