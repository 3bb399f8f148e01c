from shopradar.cli import main

main()
