"""The certify pages."""

from fastapi import APIRouter

router = APIRouter()
