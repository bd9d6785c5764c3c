# Login shells get the NSO environment (PATH with $NCS_DIR/bin).
if [ -r /opt/ncs/current/ncsrc ]; then
  . /opt/ncs/current/ncsrc
fi
