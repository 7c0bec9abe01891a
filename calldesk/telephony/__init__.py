"""Where calls come from: the simulator, Asterisk AMI and PBX hooks, each turning outside events into desk calls."""
