resource "aws_subnet" "a" {
  vpc_id            = "vpc-0abc"
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "a2" {
  vpc_id            = "vpc-0abc"
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = "vpc-0abc"
  cidr_block        = "10.0.3.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_autoscaling_group" "web" {
  name                = "web"
  min_size            = 2
  max_size            = 6
  vpc_zone_identifier = [aws_subnet.a.id, aws_subnet.a2.id]
}

resource "aws_autoscaling_group" "spread" {
  name                = "spread"
  min_size            = 2
  max_size            = 6
  vpc_zone_identifier = [aws_subnet.a.id, aws_subnet.b.id]
}

resource "aws_instance" "workers" {
  count         = 3
  ami           = "ami-0123456789abcdef0"
  instance_type = "m6i.large"
  subnet_id     = aws_subnet.b.id
}
