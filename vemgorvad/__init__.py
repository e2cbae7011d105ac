"""Vem gör vad."""
