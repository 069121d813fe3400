"""Reporters: pure functions from results to text."""
