//! The hub: the team's shared incident feed (`oncall serve`).
