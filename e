Usage: ctdb [<options>] <command> [<args>]

Commands:
  checktcpport    <port>                       is a TCP port free to bind? (exit: the errno)
