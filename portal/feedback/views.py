"""Tell us, young people, tracking: built in the feedback issue."""
