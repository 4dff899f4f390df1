import Host

LessLLMCommand.main()
