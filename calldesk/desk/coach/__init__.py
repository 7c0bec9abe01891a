"""The coach at the operator's side: greet with name and department, avoid negative language, keep a FAQ, train by
simulating calls.

The etiquette script (script), the phrase guard (phrase_guard), the FAQ and its demo seed (faq, faq_seed), practice
calls (training), and the demo desk's data (demo_data).
"""
