from riskcheck.cli import main

main()
