"""riskcheck: the confirmations still missing before a job offer in Japan is accepted."""

__version__ = "0.1.0"
