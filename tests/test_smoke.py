from asyncaudit.cli import main


def test_rules_lists_codes(capsys):
    assert main(["rules"]) == 0
    assert "AA101" in capsys.readouterr().out
