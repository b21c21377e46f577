from yinzheng.cli import main

main()
