from il1rn_annot.cli import main

main()
