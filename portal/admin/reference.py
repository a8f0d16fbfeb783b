"""Themes, areas and settings for admins. (Being built.)"""
