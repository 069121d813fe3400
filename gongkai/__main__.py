from gongkai.lean import main

main()
